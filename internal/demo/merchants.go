package demo

import (
	"context"
	"fmt"

	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/store"
)

// merchantLoginScope is the merchant the demo's merchant login works for.
const merchantLoginScope = "龙锦苑便民超市"

// demoMerchants are local shops where residents will redeem points: two or
// three per street, named as such shops are named.
var demoMerchants = []struct {
	Street, Community, Name, Kind, Address string
}{
	{"回龙观街道", "龙锦苑二区社区", merchantLoginScope, "超市", "龙锦苑二区 5 号楼底商"},
	{"回龙观街道", "新龙城社区", "新龙城老街坊理发店", "理发", "新龙城 12 号楼南侧"},
	{"回龙观街道", "", "回龙观惠民大药房", "药店", "回龙观西大街 28 号"},
	{"龙泽园街道", "龙腾苑社区", "龙腾苑鲜果蔬菜店", "果蔬", "龙腾苑四区北门"},
	{"龙泽园街道", "", "龙泽便民早餐铺", "早餐", "龙泽地铁站东口"},
	{"史各庄街道", "领秀慧谷社区", "领秀慧谷社区超市", "超市", "领秀慧谷 C 区商业街"},
	{"霍营街道", "华龙苑社区", "华龙苑修鞋配钥匙", "便民维修", "华龙苑南里 3 号楼下"},
	{"霍营街道", "", "霍营百姓药店", "药店", "霍营街 16 号"},
	{"天通苑北街道", "天通北苑第一社区", "天通北苑粮油店", "粮油", "天通北苑一区西门"},
	{"天通苑北街道", "", "天通苑北书店", "书店", "太平庄中街 9 号"},
	{"天通苑南街道", "天通中苑第二社区", "中苑二区便民超市", "超市", "天通中苑二区 8 号楼底商"},
	{"东小口镇", "森林大第社区", "森林大第社区菜站", "果蔬", "森林大第东门"},
	{"北七家镇", "", "北七家镇家电维修部", "便民维修", "北七家镇政府路 5 号"},
}

// createMerchants enrols the demo merchants and returns their ids by name.
func createMerchants(ctx context.Context, s *store.Store, streetIDs, communityIDs map[string]string) (map[string]string, error) {
	ids := map[string]string{}
	for _, dm := range demoMerchants {
		m := &merchants.Merchant{Name: dm.Name, StreetID: streetIDs[dm.Street], Kind: dm.Kind, Address: dm.Address}
		if dm.Community != "" {
			m.CommunityID = communityIDs[dm.Community]
		}
		if err := s.CreateMerchant(ctx, m); err != nil {
			return nil, fmt.Errorf("demo: merchant %s: %w", dm.Name, err)
		}
		ids[m.Name] = m.ID
	}
	return ids, nil
}
